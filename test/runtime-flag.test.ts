import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FlagConfigurationError, isWebSocketSupervisorV3Enabled } from '../src/runtime/index.js';

const flag = suite('isWebSocketSupervisorV3Enabled');
const enabled = (value: string | undefined, userId = 'user-1'): boolean =>
  isWebSocketSupervisorV3Enabled({ userId, env: { USE_WEBSOCKET_SUPERVISOR_V3: value } });

flag('booleans and 1/0, case and spaces ignored; unset is off', () => {
  assert.is(enabled('true'), true);
  assert.is(enabled(' TRUE '), true);
  assert.is(enabled('1'), true);
  assert.is(enabled('false'), false);
  assert.is(enabled('0'), false);
  assert.is(enabled(undefined), false);
  assert.is(enabled(''), false);
});

flag('0% and 100% are all-off and all-on', () => {
  for (let i = 0; i < 200; i++) {
    assert.is(enabled('0%', `u${i}`), false);
    assert.is(enabled('100%', `u${i}`), true);
  }
});

for (const target of [1, 10, 25, 50, 90]) {
  flag(`${target}% enables ${target}% ± 2 points of 10,000 users`, () => {
    let on = 0;
    for (let i = 0; i < 10_000; i++) if (enabled(`${target}%`, `user-${i}@example.com`)) on++;
    const share = on / 100;
    assert.ok(Math.abs(share - target) <= 2, `share ${share}% for target ${target}%`);
  });
}

flag('the same user always gets the same answer, and raising the share keeps those already on', () => {
  for (let i = 0; i < 1_000; i++) {
    const user = `stable-${i}`;
    const first = enabled('10%', user);
    assert.is(enabled('10%', user), first);
    if (first) assert.ok(enabled('50%', user), `${user} dropped out when going from 10% to 50%`);
  }
});

for (const bad of ['yes', 'on', '10', '150%', '-5%', '10 %%', 'true-ish', '1.234%']) {
  flag(`rejects ${JSON.stringify(bad)} with a configuration error`, () => {
    assert.throws(
      () => enabled(bad),
      (error: unknown) => error instanceof FlagConfigurationError && error.message.includes('USE_WEBSOCKET_SUPERVISOR_V3'),
    );
  });
}

flag('a percentage without a user id is a configuration error', () => {
  assert.throws(
    () => isWebSocketSupervisorV3Enabled({ env: { USE_WEBSOCKET_SUPERVISOR_V3: '10%' } }),
    (error: unknown) => error instanceof FlagConfigurationError && error.message.includes('userId'),
  );
});

flag('reads process.env when no env is given', () => {
  const previous = process.env.USE_WEBSOCKET_SUPERVISOR_V3;
  process.env.USE_WEBSOCKET_SUPERVISOR_V3 = 'true';
  try {
    assert.is(isWebSocketSupervisorV3Enabled({ userId: 'u' }), true);
  } finally {
    if (previous === undefined) delete process.env.USE_WEBSOCKET_SUPERVISOR_V3;
    else process.env.USE_WEBSOCKET_SUPERVISOR_V3 = previous;
  }
});
flag.run();
