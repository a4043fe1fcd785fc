import { isIdentifier, isMethodDeclaration } from '../syntax.js';
import type { FrameworkRecognizer } from './api.js';
import { HIBERNATION_HANDLERS } from './vocabulary.js';
import { register } from './api.js';

/**
 * Cloudflare Durable Objects' hibernation API (`webSocketMessage`, `webSocketClose`). Sockets from
 * `new WebSocketPair()` are server sockets handled by the WHATWG recogniser.
 */
export const cloudflare: FrameworkRecognizer = {
  id: 'cloudflare',
  onClass(a, cls) {
    for (const member of cls.members) {
      if (!isMethodDeclaration(member) || !member.name || !isIdentifier(member.name)) continue;
      if (!HIBERNATION_HANDLERS.has(member.name.text)) continue;
      register(a, { framework: 'cloudflare', event: `Durable Object \`${member.name.text}\``, handler: member, at: member.name, params: ['whatwg-server-socket'] });
    }
  },
};
