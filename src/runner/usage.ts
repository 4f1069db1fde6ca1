/** Usage errors raised by the runner layer (bad selection, bad baseline): exit code 2. */
import { ERROR_CODES, InputError } from '../errors.js';

export function usageError(message: string): InputError {
  return new InputError(ERROR_CODES.USAGE, 'usage', message);
}
