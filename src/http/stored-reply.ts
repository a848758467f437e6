import type { FastifyReply } from 'fastify';

/**
 * Sends an answer recorded as JSON text (an event's reply, kept for Idempotency-Key replays) as it
 * is: the first call and every replay answer the same bytes. The route's response schema still
 * documents the shape; the text was serialised from that shape when it was recorded.
 */
export function sendStoredJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send(json);
}
