import { useState } from 'preact/hooks';
import { checkFunctionName } from '../../../../functions/store/types.js';
import { href } from '../route.js';
import { FunctionEditor } from './function-editor.js';

const TEMPLATE = `// Called for /<name>/{a}/{b} behind a router to functions@internal.
export const route = "/{a}/{b}";

export default (req: Request, ctx: { params: Record<string, string> }) => ({
  result: Number(ctx.params.a) + Number(ctx.params.b),
});
`;

export function NewFunction({ onDeployed }: { onDeployed: () => void }) {
  const [name, setName] = useState('');
  return (
    <div class="page">
      <div class="page-head">
        <h1>New function</h1>
      </div>
      <section class="panel">
        <label class="name-field">
          <span>Name</span>
          <input
            data-testid="function-name"
            value={name}
            placeholder="sum"
            autocapitalize="off"
            spellcheck={false}
            onInput={(e) => setName(e.currentTarget.value.trim())}
          />
          <span class="muted">
            The first path segment after the router's prefix: lower-case letters, digits, - or _.
          </span>
        </label>
        <FunctionEditor
          name={name}
          initialSource={TEMPLATE}
          validate={() => checkFunctionName(name)}
          onDeployed={() => {
            onDeployed();
            window.location.hash = href('functions', name);
          }}
        />
      </section>
    </div>
  );
}
