import { calleeName } from '../context.js';
import type { FrameworkRecognizer } from './api.js';
import { register } from './api.js';

/** Registrations named in config: `{ "callee": "bus.onSocket", "handlerArg": 1 }`, `*.onSocket` matches any receiver. */
export const custom: FrameworkRecognizer = {
  id: 'custom',
  onCall(a, call) {
    if (a.options.registrations.length === 0) return;
    const name = calleeName(call.expression);
    if (!name) return;
    for (const registration of a.options.registrations) {
      const matches = registration.callee.startsWith('*.') ? name.endsWith(registration.callee.slice(1)) : name === registration.callee;
      const handler = call.arguments[registration.handlerArg];
      if (!matches || !handler) continue;
      register(a, { framework: 'custom', event: registration.event ?? `\`${registration.callee}\` handler`, handler, at: call.expression });
    }
  },
};
