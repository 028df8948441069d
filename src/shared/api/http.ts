/** The HTTP form of PosApi, shared by the Node host and the renderer's HTTP client. */
export const API_PREFIX = '/api/';
/** Header carrying the signed-in user's session token. */
export const SESSION_HEADER = 'x-caretill-session';
