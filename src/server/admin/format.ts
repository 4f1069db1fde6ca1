/** gearmand's admin error-line wording. */

/** `ERR <code> <text with spaces as +>\r\n`. */
export function errLine(code: string, text = ''): string {
  return `ERR ${code} ${text.replace(/ /g, '+')}\r\n`;
}

export const incomplete = (command: string): string => errLine('INVALID_ARGUMENTS', `An incomplete set of arguments was sent to this command ${command}`);

/** No separator between "command" and the token: `…commandfoo\r\n`, as gearmand prints it. */
export const unknownCommand = (token: string): string => `ERR UNKNOWN_COMMAND Unknown+server+command${token}\r\n`;
