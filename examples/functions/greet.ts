// A Workers-style function: `fetch(request, env, ctx)`, a secret from the static config
// (`functions.env.greet.GREETING`), a log line, and a Response of its own.
import type { FunctionContext } from 'portier/functions';

export const route = '/{name}';

export default {
  fetch(request: Request, env: Readonly<Record<string, string>>, ctx: FunctionContext<'name'>) {
    ctx.log('greeting', ctx.params.name, 'for', ctx.consumer ?? 'anonymous');
    const body = `${env.GREETING ?? 'Hello'}, ${ctx.params.name}!\n`;
    return new Response(body, {
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': ctx.requestId },
    });
  },
};
