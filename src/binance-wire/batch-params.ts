/** Binance batch parameters shared by the gateway's door and `liqguard venue`: `batchOrders` (a
 * JSON array of order objects, POST and PUT /fapi/v1/batchOrders) and `orderIdList` /
 * `origClientOrderIdList` (DELETE), and the batch answer's error entry `{code, msg}`. */
import { BinanceApiError, binanceErrors } from './errors.js';

export const MAX_BATCH_ORDERS = 5;
const MAX_BATCH_CANCELS = 10;

/** The `batchOrders` parameter: a JSON array of objects whose values become string params. */
export function parseBatch(raw: string | undefined, max: number): Record<string, string>[] {
  if (raw === undefined || raw === '') throw binanceErrors.mandatory('batchOrders');
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new BinanceApiError(400, -1130, "Data sent for parameter 'batchOrders' is not valid.");
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > max)
    throw new BinanceApiError(
      400,
      -1130,
      `Data sent for parameter 'batchOrders' is not valid. LIQGUARD: 1 to ${max} orders`,
    );
  return list.map((o) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new BinanceApiError(400, -1130, "Data sent for parameter 'batchOrders' is not valid.");
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v === 'string') p[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') p[k] = String(v);
      else throw new BinanceApiError(400, -1130, `Data sent for parameter '${k.slice(0, 30)}' is not valid.`);
    }
    return p;
  });
}

/** DELETE batchOrders: the orders named by `orderIdList` or `origClientOrderIdList` (one of them). */
export function parseCancelRefs(params: Readonly<Record<string, string | undefined>>): Record<string, string>[] {
  // Binance takes the names in any case; ccxt cancelOrders sends `orderidlist`.
  const ids = idList(params.orderIdList ?? params.orderidlist, 'orderIdList');
  const cids = idList(params.origClientOrderIdList ?? params.origclientorderidlist, 'origClientOrderIdList');
  if (ids && cids)
    throw new BinanceApiError(400, -1130, 'LIQGUARD send orderIdList or origClientOrderIdList, not both');
  const refs = ids
    ? ids.map((orderId) => ({ orderId }))
    : (cids ?? []).map((origClientOrderId) => ({ origClientOrderId }));
  if (refs.length === 0)
    throw new BinanceApiError(
      400,
      -1102,
      "Param 'orderIdList' or 'origClientOrderIdList' must be sent, but both were empty/null!",
    );
  if (refs.length > MAX_BATCH_CANCELS)
    throw new BinanceApiError(
      400,
      -1130,
      `Data sent for parameter 'orderIdList' is not valid. LIQGUARD: at most ${MAX_BATCH_CANCELS}`,
    );
  return refs;
}

/** `[1,2]` or `["a","b"]` as strings. */
function idList(raw: string | undefined, name: string): string[] | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new BinanceApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isSafeInteger(x))))
    throw new BinanceApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
  return v.map(String);
}

/** A failed entry of a batch answer. */
export const asBatchEntry = (err: unknown): { code: number; msg: string } => {
  const e = err instanceof BinanceApiError ? err : binanceErrors.unknown();
  return { code: e.code, msg: e.message };
};
