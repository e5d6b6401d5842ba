import { createRoute, z } from '@hono/zod-openapi';
import { Id } from '../../shared/common.js';
import { AgentStarted, CaptionerInput, CaptionerList, CaptionInput, CaptionStored, HandInput, JoinResult, LiveActionResult, LiveAppliedResult, LiveStatus, MuteInput, PresenceInput, ReadmitInput, RemovedList, RemoveInput, SpeakerInput } from '../../shared/live.js';
import type { Deps } from '../platform/deps.js';
import { disposition, jsonBody, jsonResponse, requireUser, router } from '../platform/http.js';
import { answerHoldsSecret } from '../platform/idempotency.js';
import { attendanceRoutes } from '../attendance/routes.js';
import * as live from './service.js';

const Params = z.object({ id: Id });

/**
 * LiveKit's webhooks: requests from LiveKit's server, signed by it, never from a browser.
 * app.ts mounts these ahead of the layers a browser's requests need (request id, security
 * headers, sign-in, idempotency: event ids already make a retry harmless), with their own
 * request log and body limit.
 */
export function webhookRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/livekit/webhook',
      tags: ['live'],
      summary: 'LiveKit webhooks (raw body; Authorization is LiveKit’s signed JWT whose sha256 claim is the body’s hash)',
      responses: { 200: jsonResponse(z.object({ id: z.string(), event: z.string(), duplicate: z.boolean() }), 'Stored (or already stored)') },
    }),
    async (c) => {
      const raw = await c.req.text();
      return c.json(await live.receive(deps, raw, c.req.header('authorization')), 200);
    },
  );
  return app;
}

export function liveRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/join',
      tags: ['live'],
      summary: 'A LiveKit token for the live room (confirmed online attendee or the session’s trainer, during the join window)',
      description: 'Connect with livekit-client: `room.connect(serverUrl, token)`. 409 join_window_closed outside the window (details.opensAt), 503 livekit_not_configured without LiveKit.',
      request: { params: Params },
      responses: { 200: jsonResponse(JoinResult, 'Connection details') },
    }),
    async (c) => {
      const actor = requireUser(c);
      answerHoldsSecret(c); // the LiveKit join token
      return c.json(await live.join(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/live',
      tags: ['live'],
      summary: 'The caller’s view of the live room before joining: configured, role, join window, rights',
      request: { params: Params },
      responses: { 200: jsonResponse(LiveStatus, 'Live room status') },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await live.liveStatus(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/live/mute',
      tags: ['live'],
      summary: 'Mute a participant’s published track (the session’s trainers)',
      description: 'Unmuting (`muted: false`) is refused by LiveKit unless its `room.enable_remote_unmute` is on: 409 unmute_not_allowed then (they must unmute themselves).',
      request: { params: Params, body: jsonBody(MuteInput) },
      responses: { 200: jsonResponse(LiveActionResult, 'Done') },
    }),
    async (c) => {
      const actor = requireUser(c);
      const b = c.req.valid('json');
      await live.muteTrack(deps, actor, c.req.valid('param').id, b.identity, b.trackSid, b.muted);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/live/remove',
      tags: ['live'],
      summary: 'Remove a participant from the room (the session’s trainers); they cannot join again until let back in',
      request: { params: Params, body: jsonBody(RemoveInput) },
      responses: { 200: jsonResponse(LiveAppliedResult, 'Saved; `applied` says whether a live connection was ended now') },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { applied } = await live.removeParticipant(deps, actor, c.req.valid('param').id, c.req.valid('json').identity);
      return c.json({ ok: true as const, applied }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/sessions/{id}/live/removed', tags: ['live'], summary: 'People removed from the room, who cannot join until let back in (the session’s trainers)', request: { params: Params }, responses: { 200: jsonResponse(RemovedList, 'Removed people') } }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await live.removedPeople(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/sessions/{id}/live/readmit', tags: ['live'], summary: 'Let a removed person join the room again (the session’s trainers)', request: { params: Params, body: jsonBody(ReadmitInput) }, responses: { 200: jsonResponse(LiveActionResult, 'Done') } }),
    async (c) => {
      const actor = requireUser(c);
      await live.readmit(deps, actor, c.req.valid('param').id, c.req.valid('json').identity);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/live/speaker',
      tags: ['live'],
      summary: 'Invite a webinar listener to speak, or stop them (the session’s trainers); kept for their next join too',
      description: '409 conflict in a workshop room, where everyone may speak.',
      request: { params: Params, body: jsonBody(SpeakerInput) },
      responses: { 200: jsonResponse(LiveAppliedResult, 'Saved; `applied` says whether their live connection was changed now') },
    }),
    async (c) => {
      const actor = requireUser(c);
      const b = c.req.valid('json');
      const { applied } = await live.setSpeaker(deps, actor, c.req.valid('param').id, b.identity, b.speaker);
      return c.json({ ok: true as const, applied }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/sessions/{id}/live/captioners', tags: ['live'], summary: 'Booked people with the captioner flag, and whether each is assigned to caption this session (the session’s trainers)', request: { params: Params }, responses: { 200: jsonResponse(CaptionerList, 'Captioners') } }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await live.captioners(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sessions/{id}/live/captioners',
      tags: ['live'],
      summary: 'Assign a booked captioner to caption this session, or take it back (the session’s trainers)',
      request: { params: Params, body: jsonBody(CaptionerInput) },
      responses: { 200: jsonResponse(LiveAppliedResult, 'Saved; `applied` says whether their live connection was changed now') },
    }),
    async (c) => {
      const actor = requireUser(c);
      const b = c.req.valid('json');
      const { applied } = await live.setCaptioner(deps, actor, c.req.valid('param').id, b.identity, b.assigned);
      return c.json({ ok: true as const, applied }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/live/hand',
      tags: ['live'],
      summary: 'Raise or lower the caller’s hand in the room (attendees, trainers): the server sets it on their LiveKit participant',
      description: '409 not_in_room when the caller is not connected to the room.',
      request: { params: Params, body: jsonBody(HandInput) },
      responses: { 200: jsonResponse(z.object({ raisedAt: z.string().nullable() }), 'Done') },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await live.setHand(deps, actor, c.req.valid('param').id, c.req.valid('json').raised), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/sessions/{id}/live/end', tags: ['live'], summary: 'End the live room for everyone (the session’s trainers); only trainers can join it afterwards, until reopened', request: { params: Params }, responses: { 200: jsonResponse(LiveActionResult, 'Done') } }),
    async (c) => {
      const actor = requireUser(c);
      await live.endRoom(deps, actor, c.req.valid('param').id);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/live/captions-agent',
      tags: ['live'],
      summary: 'Start automatic captions again: send the speech-to-text agent to the room when none is in it (the session’s trainers); started is false when one was there already',
      request: { params: Params },
      responses: { 200: jsonResponse(AgentStarted, 'Sent, or already there') },
    }),
    async (c) => c.json(await live.startCaptionsAgent(deps, requireUser(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/sessions/{id}/live/reopen', tags: ['live'], summary: 'Let attendees join the room again after it was ended (the session’s trainers)', request: { params: Params }, responses: { 200: jsonResponse(LiveActionResult, 'Done') } }),
    async (c) => {
      const actor = requireUser(c);
      await live.reopenRoom(deps, actor, c.req.valid('param').id);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/presence',
      tags: ['live'],
      summary: 'The browser’s own presence report: join, a heartbeat every 30 s, leave (fallback when LiveKit webhooks are missing); a gap over 3 minutes starts a new interval',
      request: { params: Params, body: jsonBody(PresenceInput) },
      responses: { 204: { description: 'Recorded' } },
    }),
    async (c) => {
      const actor = requireUser(c);
      await live.reportPresence(deps, actor, c.req.valid('param').id, c.req.valid('json').event);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/captions',
      tags: ['live'],
      summary: 'Store a caption segment (trainer, captioner, a speaker for own speech); the same segmentId replaces it',
      request: { params: Params, body: jsonBody(CaptionInput) },
      responses: { 200: jsonResponse(CaptionStored, 'The stored segment'), 429: { description: '`rate_limited`, with `Retry-After`: more than 120 caption writes by one attendee or captioner to the session in a minute (its trainers are not counted); nothing was changed' } },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await live.saveCaption(deps, actor, c.req.valid('param').id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/transcript.vtt',
      tags: ['live'],
      summary: 'The captions as WebVTT (attendees, trainers)',
      request: { params: Params },
      responses: { 200: { description: 'WebVTT', content: { 'text/vtt': { schema: z.string() } } } },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { vtt, filename } = await live.transcriptVtt(deps, actor, c.req.valid('param').id);
      return c.body(vtt, 200, { 'content-type': 'text/vtt; charset=utf-8', 'content-disposition': disposition(filename, 'inline') });
    },
  );

  // Attendance records and in-person check-in share this mount point.
  app.route('/', attendanceRoutes(deps));

  return app;
}
