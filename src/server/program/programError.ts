/** An operator's request the program cannot carry out; the message says why, in the operator's terms. */
export class ProgramError extends Error {}
