/**
 * ERROR packet codes and texts the server sends, pre-encoded once. Codes and texts follow
 * gearmand 1.1.20 wherever it has one (spec §4.13); the rest are gearspec's and say so.
 */
const e = (code: string, text: string) => ({ code: Buffer.from(code, 'latin1'), text: Buffer.from(text, 'latin1') }) as const;

export const ERR = {
  invalidMagic: e('INVALID_MAGIC', 'Request magic expected'),
  notExpected: e('INVALID_COMMAND', 'Command not expected'),
  uniqueTooLarge: e('ARGUMENT_TOO_LARGE', 'Unique value too large'),
  queueFull: e('QUEUE_ERROR', 'Job queue is full'),
  unknownOption: e('UNKNOWN_OPTION', 'Server does not recognize given option'),
  workNotFound: e('JOB_NOT_FOUND', 'Job given in work result not found'),
  dataNotFound: e('JOB_NOT_FOUND', 'Job does not exist on server'),
  exceptionNotFound: e('JOB_NOT_FOUND', 'An exception was received for a job that does not exist'),
  // gearspec's own (gearmand closes the connection or misparses instead):
  unknownType: e('UNKNOWN_COMMAND', 'Unknown packet type'),
  missingArguments: e('INVALID_PACKET', 'Missing arguments'),
  unexpectedArguments: e('INVALID_PACKET', 'Packet type takes no arguments'),
  badTimeout: e('INVALID_PACKET', 'Timeout value is not a decimal number of at most 20 characters'),
  packetTooLarge: e('ARGUMENT_TOO_LARGE', 'Packet larger than the server accepts'),
  badMagic: e('INVALID_MAGIC', 'Bad packet magic; closing the connection'),
  lineTooLong: e('ARGUMENT_TOO_LARGE', 'Admin text line too long; closing the connection'),
  shuttingDown: e('SHUTDOWN', 'Server is shutting down and accepts no new jobs'),
  internal: e('SERVER_ERROR', 'Internal error in the gearspec reference server; closing this connection'),
} as const;

export type ErrorReply = (typeof ERR)[keyof typeof ERR];

export const EMPTY = Buffer.alloc(0);
export const ZERO = Buffer.from('0');
export const ONE = Buffer.from('1');
