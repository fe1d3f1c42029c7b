// One state table, one partition per target: every partition key (pk, gsi1pk) of a target other than
// `default` carries `@<target>` after its entity tag (`RUN#@eu#<runId>`, `DOCS#@eu`, `HEALTH#@eu#incident`),
// so two targets' runs, doc states, history, businesses and health never meet, and the stream's
// consumers still select items by their tag (`HEALTH#`, `entity`). The `default` target (a stack from
// before targets) keeps the plain keys, so its data stays where it was. One table, not one per target:
// on-demand tables cost by request and storage either way, and one table keeps one stream, one alarm
// set and one grant for the stream-fed Lambdas.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The partition of a target: none for `default` (and for no name). */
export const partitionOf = (targetName: string | undefined): string =>
  !targetName || targetName === 'default' ? '' : targetName;

type Obj = Record<string, unknown>;

/** A client whose every key, item and `:pk` value is moved into `partition` (idempotent). */
export function partitionClient(client: DynamoDBDocumentClient, partition: string): DynamoDBDocumentClient {
  if (!partition) return client;
  const marker = `@${partition}`;
  const mark = (v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    const i = v.indexOf('#');
    if (i < 0) return `${v}#${marker}`;
    const rest = v.slice(i + 1);
    if (rest === marker || rest.startsWith(`${marker}#`)) return v;
    return `${v.slice(0, i)}#${marker}#${rest}`;
  };
  const keyed = (o: unknown): unknown => {
    if (!o || typeof o !== 'object') return o;
    const out: Obj = { ...(o as Obj) };
    if ('pk' in out) out.pk = mark(out.pk);
    if ('gsi1pk' in out) out.gsi1pk = mark(out.gsi1pk);
    return out;
  };
  const rewrite = (input: Obj): Obj => {
    const out: Obj = { ...input };
    for (const k of ['Item', 'Key', 'ExclusiveStartKey']) if (out[k]) out[k] = keyed(out[k]);
    const values = out.ExpressionAttributeValues as Obj | undefined;
    if (values && ':pk' in values) out.ExpressionAttributeValues = { ...values, ':pk': mark(values[':pk']) };
    const batches = out.RequestItems as Record<string, Obj[]> | undefined;
    if (batches)
      out.RequestItems = Object.fromEntries(
        Object.entries(batches).map(([table, requests]) => [
          table,
          requests.map((r) => {
            const put = r.PutRequest as Obj | undefined;
            const del = r.DeleteRequest as Obj | undefined;
            return {
              ...(put && { PutRequest: { ...put, Item: keyed(put.Item) } }),
              ...(del && { DeleteRequest: { ...del, Key: keyed(del.Key) } }),
            };
          }),
        ]),
      );
    return out;
  };
  const send = ((command: { input: Obj }, ...rest: unknown[]) => {
    // Top-level fields replaced in place: the document client's inner command holds this same object.
    Object.assign(command.input, rewrite(command.input));
    return (client.send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as DynamoDBDocumentClient['send'];
  return Object.assign(Object.create(client) as DynamoDBDocumentClient, { send });
}
