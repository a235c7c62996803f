import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './index.js';

let fake: FakeDiscord;

beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake?.close();
});

/** A request as a careless client would send it, straight to the local Discord's REST API. */
async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake.apiBase}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${fake.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}

const guildCommands = () => `/applications/${fake.world.application.id}/guilds/${fake.world.guildId}/commands`;

describe("the local Discord judges requests by Discord's published OpenAPI description", () => {
  it('accepts a well-formed command registration and answers it as the spec describes', async () => {
    const answer = await send('PUT', guildCommands(), [{ name: 'ping', description: 'Answers pong', type: 1 }]);
    expect(answer.status).toBe(200);
    expect(fake.spec.exercised.has('PUT /applications/{application_id}/guilds/{guild_id}/commands')).toBe(true);
    expect(fake.spec.responseViolations).toEqual([]);
  });

  it('refuses a command without a description with 50035 and the field named, as Discord does', async () => {
    const answer = await send('PUT', guildCommands(), [{ name: 'ping', type: 1, options: [{ type: 99, name: 'x', description: 'y' }] }]);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 50035, message: 'Invalid Form Body' });
    expect(JSON.stringify(answer.body?.errors)).toContain('"0"');
  });

  it('refuses a path parameter that is not a snowflake', async () => {
    const answer = await send('GET', `/applications/${fake.world.application.id}/guilds/my-server/commands`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 50035,
      errors: { guild_id: { _errors: expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]) } },
    });
  });

  it('answers a route Discord does not have with 404 and a method it does not allow with 405', async () => {
    expect((await send('GET', '/no/such/route')).status).toBe(404);
    const wrongMethod = await send('DELETE', `/applications/${fake.world.application.id}/guilds/${fake.world.guildId}/commands`);
    expect(wrongMethod).toMatchObject({ status: 405, body: { code: 0 } });
  });

  it('refuses an interaction callback of no known shape', async () => {
    const answer = await send('POST', '/interactions/123/abc/callback', { type: 'deferred' });
    expect(answer).toMatchObject({ status: 400, body: { code: 50035 } });
  });

  it('refuses a multipart message whose attachment names a files[n] part that was not sent', async () => {
    const form = new FormData();
    form.set('payload_json', JSON.stringify({ content: 'hi', attachments: [{ id: 1, filename: 'a.mid' }] }));
    form.set('files[0]', new Blob([new Uint8Array([1, 2, 3])]), 'a.mid');
    const response = await fetch(`${fake.apiBase}/v10/channels/${fake.world.textChannelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}` },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 50035,
      errors: { attachments: { '0': { id: { _errors: [expect.anything()] } } } },
    });
  });
});
