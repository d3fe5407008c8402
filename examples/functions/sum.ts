// The quick-start function. Deploy it with
//   portier functions deploy sum ./examples/functions/sum.ts --api http://127.0.0.1:8080
// and, behind a router with stripPrefix /api to functions@internal, GET /api/sum/1/3 answers {"result":4}.
import type { FunctionContext } from 'portier/functions';

export const route = '/{a}/{b}';

export default (_req: Request, ctx: FunctionContext<'a' | 'b'>) => ({
  result: Number(ctx.params.a) + Number(ctx.params.b),
});
