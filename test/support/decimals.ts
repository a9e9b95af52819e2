/** Decimal strings for tests: `ds('0.5')` runs the gateway's parser (and throws on a typo), so
 * fixtures get the `DecimalString` brand without casts. */
import { decimalStringOf, type DecimalString } from '../../src/core/decimal.js';

export const ds = (text: string): DecimalString => decimalStringOf(text);
