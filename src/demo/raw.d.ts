// Vite's ?raw imports: a file's text, bundled at build time.
declare module '*?raw' {
  const text: string;
  export default text;
}
