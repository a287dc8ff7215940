// Records for the Redis Streams sink, one of which has no field to write (record 3).
import { defineJob } from '../../../../src/index.ts';

export default defineJob<{ stream: string }>((env, args) => {
  env
    .fromArray([1, 2, 3, 4])
    .map((id) => ({ id, ...(id === 3 ? {} : { name: `n${id}` }) }))
    .sinkToRedisStream({
      stream: args.stream,
      fields: (record: { id: number; name?: string }) =>
        record.name === undefined ? {} : { name: record.name },
    });
});
