import { ts } from '@ts-morph/common';
import type { FrameworkRecognizer } from './api.js';
import { decoratorNames, register } from './api.js';

const LIFECYCLE = new Set(['handleConnection', 'handleDisconnect', 'afterInit']);

/** NestJS: `@WebSocketGateway()` classes, their lifecycle hooks, and `@SubscribeMessage()` methods anywhere. */
export const nestjs: FrameworkRecognizer = {
  id: 'nestjs',
  onClass(a, cls) {
    const gateway = decoratorNames(cls).includes('WebSocketGateway');
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member) || !member.name || !ts.isIdentifier(member.name)) continue;
      const name = member.name.text;
      if (decoratorNames(member).includes('SubscribeMessage')) {
        register(a, { framework: 'nestjs', event: `\`@SubscribeMessage\` method \`${name}\``, handler: member, at: member.name, params: ['io-socket'] });
      } else if (gateway && LIFECYCLE.has(name)) {
        register(a, { framework: 'nestjs', event: `gateway \`${name}\``, handler: member, at: member.name, params: ['io-socket'] });
      }
    }
  },
};
