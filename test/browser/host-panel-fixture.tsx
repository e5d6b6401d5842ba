/**
 * A page for room-host-panel.test.ts: the room's own HostPanel (the trainer's "Run the room"),
 * rendered as RoomPage renders it, around a stand-in RoomController with one other person in
 * the room, microphone on, and a co-trainer (no LiveKit connection: see live-room-fixture.tsx for why).
 *
 * window.hostFixture.muteApplied(): LiveKit's TrackMuted for that person's microphone, which a
 * real room sends a moment after the server has muted it; the panel is drawn again, as
 * RoomPage's `changed` does. agentLeft() and agentJoined(): the speech-to-text agent leaving
 * the room and (sent again) joining it.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { Status } from '../../web/src/components.js';
import type { LiveKit, RoomController } from '../../web/src/room/controller.js';
import { HostPanel } from '../../web/src/room/HostPanel.js';

let rerender = () => {};
const mic = { trackSid: 'TR_mic1', isMuted: false };
const other = {
  identity: 'user-2',
  name: 'Asha Patel',
  isAgent: false,
  attributes: {},
  permissions: { canPublish: true },
  getTrackPublication: (source: string) => (source === 'microphone' ? mic : undefined),
};
// The speech-to-text agent, as LiveKit shows it: not a person to remove.
const agent = { identity: 'agent-AJ_1', name: '', isAgent: true, attributes: {}, permissions: { canPublish: true }, getTrackPublication: () => undefined };
// A co-trainer (the server's role on their token): not someone a trainer may remove.
const coTrainer = { identity: 'user-3', name: 'Tom Cotrainer', isAgent: false, attributes: {}, permissions: { canPublish: true }, getTrackPublication: () => undefined };
const remoteParticipants = new Map<string, unknown>([[other.identity, other], [coTrainer.identity, coTrainer], [agent.identity, agent]]);
const controller = {
  room: { remoteParticipants },
  join: { roomKind: 'workshop', role: 'trainer', captionsAgent: true },
  roleOf: (p: { identity: string }) => (p.identity === coTrainer.identity ? 'trainer' : 'attendee'),
} as unknown as RoomController;
const lk = { Track: { Source: { Microphone: 'microphone', Camera: 'camera' } } } as unknown as LiveKit;

(window as unknown as { hostFixture: unknown }).hostFixture = {
  muteApplied() {
    mic.isMuted = true;
    rerender();
  },
  agentLeft() {
    remoteParticipants.delete(agent.identity);
    rerender();
  },
  agentJoined() {
    remoteParticipants.set('agent-AJ_2', { ...agent, identity: 'agent-AJ_2' });
    rerender();
  },
};

function App() {
  const [message, setMessage] = useState('');
  const [, setVersion] = useState(0);
  rerender = () => setVersion((v) => v + 1);
  return (
    <main>
      <h1>Live room: fixture</h1>
      <Status message={message} id="room-status" />
      <HostPanel lk={lk} controller={controller} sessionId="s1" announce={setMessage} />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
