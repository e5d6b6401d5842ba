import { createRoute, z } from '@hono/zod-openapi';
import { Id } from '../../shared/common.js';
import { CourseFeedback, CourseFeedbackSettings, CourseFeedbackSettingsList, FeedbackInput, FeedbackOverview, MyFeedback, SessionFeedback, SessionFeedbackList, SessionFeedbackQuery } from '../../shared/feedback.js';
import type { Deps } from '../platform/deps.js';
import { jsonBody, jsonResponse, requireUser, router } from '../platform/http.js';
import * as feedback from './service.js';

const Params = z.object({ id: Id });

export function feedbackRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/feedback/mine',
      tags: ['feedback'],
      summary: 'My feedback on a session I attended, and until when I can change it (attendees only)',
      request: { params: Params },
      responses: { 200: jsonResponse(MyFeedback, 'My answer (null before I give one)') },
    }),
    async (c) => c.json(await feedback.myFeedback(deps, requireUser(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sessions/{id}/feedback/mine',
      tags: ['feedback'],
      summary: 'Give or change my feedback (attendees only, until 14 days after the session: then 409 feedback_closed)',
      request: { params: Params, body: jsonBody(FeedbackInput) },
      responses: { 200: jsonResponse(MyFeedback, 'My answer as saved') },
    }),
    async (c) => c.json(await feedback.saveMyFeedback(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/feedback',
      tags: ['feedback'],
      summary: 'Feedback results of a session: averages, distributions, confidence shift, comments (its trainers, admin)',
      request: { params: Params },
      responses: { 200: jsonResponse(SessionFeedback, 'Results') },
    }),
    async (c) => c.json(await feedback.sessionFeedback(deps, requireUser(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/feedback/sessions',
      tags: ['feedback'],
      summary: 'Sessions I run that have ended, with their feedback in brief, a page at a time (trainers, in-house leads while they lead; admin: every session)',
      request: { query: SessionFeedbackQuery },
      responses: { 200: jsonResponse(SessionFeedbackList, 'A page, newest first, with how many there are (`total`) and whether more follow (`hasMore`)') },
    }),
    async (c) => c.json(await feedback.mySessionsFeedback(deps, requireUser(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/feedback', tags: ['feedback'], summary: 'Feedback over every session, and per course (admin)', responses: { 200: jsonResponse(FeedbackOverview, 'Results') } }),
    async (c) => c.json(await feedback.feedbackOverview(deps, requireUser(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/courses/{id}/feedback',
      tags: ['feedback'],
      summary: 'Feedback on a course’s sessions together, and per session a page at a time (admin)',
      request: { params: Params, query: SessionFeedbackQuery },
      responses: { 200: jsonResponse(CourseFeedback, 'Results: the summary over every session, `sessions` one page of them') },
    }),
    async (c) => c.json(await feedback.courseFeedback(deps, requireUser(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/feedback/settings', tags: ['feedback'], summary: 'Each course’s feedback settings (admin)', responses: { 200: jsonResponse(CourseFeedbackSettingsList, 'Settings per course') } }),
    async (c) => c.json(await feedback.courseFeedbackSettings(deps, requireUser(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/courses/{id}/feedback-settings',
      tags: ['feedback'],
      summary: 'Set whether a course’s feedback comments are shown without names (admin)',
      request: { params: Params, body: jsonBody(CourseFeedbackSettings) },
      responses: { 200: jsonResponse(CourseFeedbackSettings, 'The setting as saved') },
    }),
    async (c) => c.json(await feedback.setCourseAnonymous(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json').anonymous), 200),
  );

  return app;
}
