import { ts } from '@ts-morph/common';
import type { FrameworkRecognizer } from './api.js';
import { decoratorNames, register } from './api.js';
import { isGuardClass } from '../request-builders.js';

const LIFECYCLE = new Set(['handleConnection', 'handleDisconnect', 'afterInit']);
/** A guard's `getRequest()` that serves WebSocket or GraphQL-subscription contexts. */
const WS_CONTEXT = /switchToWs\(|\.handshake\b|\.extra\b|connectionParams/;

/** NestJS: `@WebSocketGateway()` classes, their lifecycle hooks, and `@SubscribeMessage()` methods anywhere. */
export const nestjs: FrameworkRecognizer = {
  id: 'nestjs',
  onClass(a, cls) {
    const gateway = decoratorNames(cls).includes('WebSocketGateway');
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member) || !member.name || !ts.isIdentifier(member.name)) continue;
      const name = member.name.text;
      if (name === 'getRequest' && member.body && isGuardClass(a, cls) && WS_CONTEXT.test(member.body.getText(a.sf))) {
        register(a, { framework: 'nestjs', event: `guard \`${cls.name?.text ?? 'Guard'}.getRequest()\` for WebSocket contexts`, handler: member, at: member.name });
      } else if (decoratorNames(member).includes('SubscribeMessage')) {
        register(a, { framework: 'nestjs', event: `\`@SubscribeMessage\` method \`${name}\``, handler: member, at: member.name, params: ['io-socket'] });
      } else if (gateway && LIFECYCLE.has(name)) {
        register(a, { framework: 'nestjs', event: `gateway \`${name}\``, handler: member, at: member.name, params: ['io-socket'] });
      }
    }
  },
};
