import { isIdentifier, isMethodDeclaration } from '../syntax.js';
import type { FrameworkRecognizer } from './api.js';
import { NEST_GATEWAY, NEST_GUARD_METHOD, NEST_LIFECYCLE, NEST_SUBSCRIBE, NEST_WS_CONTEXT } from './vocabulary.js';
import { decoratorNames, register } from './api.js';
import { isGuardClass } from '../request-builders.js';


/** NestJS: `@WebSocketGateway()` classes, their lifecycle hooks, and `@SubscribeMessage()` methods anywhere. */
export const nestjs: FrameworkRecognizer = {
  id: 'nestjs',
  onClass(a, cls) {
    const gateway = decoratorNames(cls).includes(NEST_GATEWAY);
    for (const member of cls.members) {
      if (!isMethodDeclaration(member) || !member.name || !isIdentifier(member.name)) continue;
      const name = member.name.text;
      if (name === NEST_GUARD_METHOD && member.body && isGuardClass(a, cls) && NEST_WS_CONTEXT.test(member.body.getText(a.sf))) {
        register(a, { framework: 'nestjs', event: `guard \`${cls.name?.text ?? 'Guard'}.getRequest()\` for WebSocket contexts`, handler: member, at: member.name });
      } else if (decoratorNames(member).includes(NEST_SUBSCRIBE)) {
        register(a, { framework: 'nestjs', event: `\`@SubscribeMessage\` method \`${name}\``, handler: member, at: member.name, params: ['io-socket'] });
      } else if (gateway && NEST_LIFECYCLE.has(name)) {
        register(a, { framework: 'nestjs', event: `gateway \`${name}\``, handler: member, at: member.name, params: ['io-socket'] });
      }
    }
  },
};
