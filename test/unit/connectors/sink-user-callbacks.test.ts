// A user callback in a sink's options (a Redis entry's fields, a JetStream subject, a PostgreSQL
// row) that throws fails the job as that operator's UserFunctionError naming the record; a record
// the target cannot hold stays a ConnectorRecordError. No server is needed: records become entries
// before anything is sent.
import { describe, expect, it } from 'vitest';
import { jetStreamSink } from '../../../src/connectors/nats/jetstream-sink.ts';
import { postgresSink } from '../../../src/connectors/postgres/postgres-sink.ts';
import { redisStreamSink } from '../../../src/connectors/redis/redis-stream-sink.ts';
import type { OperatorFactory } from '../../../src/operators/operator.ts';
import { operatorContext, streamOutput } from '../../support/operator-context.ts';

const boom = (): never => {
  throw new Error('boom');
};

function processOne(factory: OperatorFactory, record: unknown, transactional: boolean): unknown {
  const operator = factory(
    operatorContext({ operatorName: 'sink', operatorUid: 'sink-1', transactional }),
    streamOutput(() => {}),
  );
  try {
    operator.process(record);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('user callbacks in sink options', () => {
  const cases: Array<[string, OperatorFactory]> = [
    ['redis fields', redisStreamSink({ stream: 's', fields: boom })],
    ['redis stream', redisStreamSink({ stream: boom })],
    ['jetstream subject', jetStreamSink({ subject: boom })],
    ['jetstream data', jetStreamSink({ subject: 'a.b', data: boom })],
    ['postgres row (at-least-once)', postgresSink({ table: 't', columns: ['a'], row: boom })],
  ];
  for (const transactional of [false, true])
    for (const [name, factory] of cases) {
      // The exactly-once PostgreSQL sink needs its connection before a record; the others do not.
      if (transactional && name.startsWith('postgres')) continue;
      it(`${name}${transactional ? ', exactly-once' : ''}: a throw is the operator's UserFunctionError`, () => {
        const error = processOne(factory, { id: 7 }, transactional);
        expect(error).toMatchObject({ code: 'ERR_USER_FUNCTION', operatorUid: 'sink-1', record: '{"id":7}' });
        expect((error as Error).message).toContain('boom');
      });
    }

  it('a record the target cannot hold stays a ConnectorRecordError', () => {
    const error = processOne(redisStreamSink({ stream: 's', fields: () => ({}) }), { id: 7 }, true);
    expect(error).toMatchObject({ code: 'ERR_CONNECTOR_RECORD' });
  });
});
