// Together's own TypeScript SDK against the standalone emulator: lists the models and checks that
// the emulator's models and Together's serverless models come back in the SDK's ModelObject shape.
// Run through run.sh, which starts the emulator and sets TOGETHER_BASE_URL and TOGETHER_API_KEY.
import Together from 'together-ai';

const baseURL = process.env.TOGETHER_BASE_URL;
const apiKey = process.env.TOGETHER_API_KEY;
if (!baseURL || !apiKey) {
  console.error('set TOGETHER_BASE_URL (e.g. http://127.0.0.1:8090/v1) and TOGETHER_API_KEY');
  process.exit(2);
}
const client = new Together({ apiKey, baseURL, maxRetries: 0 });
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const models = await client.models.list();
check(Array.isArray(models), `models.list() returns an array (${models.length} models)`);
const byId = new Map(models.map((m) => [m.id, m]));
const echo = byId.get('emulator/echo');
check(echo?.object === 'model' && echo?.type === 'chat', 'emulator/echo is a chat model');
check(echo?.pricing?.input > 0 && echo?.pricing?.output > 0, 'emulator/echo has a non-zero price');
const together = models.filter((m) => !m.id.startsWith('emulator/'));
const priced = together.filter((m) => m.type === 'chat' && m.pricing?.input > 0);
check(priced.length >= 15, `${priced.length} Together chat models with serverless pricing`);
check(
  new Set(models.map((m) => m.type)).size >= 3,
  `model types: ${[...new Set(models.map((m) => m.type))].join(', ')}`,
);
for (const id of ['deepseek-ai/DeepSeek-R1', 'MiniMaxAI/MiniMax-M2']) {
  check(byId.get(id)?.type === 'chat', `${id} is listed (not available for batch, still serverless)`);
}
console.log('\nid | type | context_length | input $/M | output $/M');
for (const m of models) {
  console.log(`${m.id} | ${m.type} | ${m.context_length} | ${m.pricing?.input} | ${m.pricing?.output}`);
}

const chat = await client.chat.completions.create({
  model: 'emulator/reasoning',
  messages: [{ role: 'user', content: 'hello from the SDK' }],
});
const message = chat.choices[0].message;
check(
  message.content === 'Echo: hello from the SDK' && typeof message.reasoning === 'string',
  `chat.completions.create on emulator/reasoning: ${JSON.stringify(message.reasoning)}`,
);

try {
  await client.batches.create({ endpoint: '/v1/completions', input_file_id: 'file-x' });
  check(false, 'batches.create refuses /v1/completions');
} catch (e) {
  check(e instanceof Together.BadRequestError, `batches.create refuses /v1/completions: ${e.message}`);
}

try {
  await new Together({ apiKey: 'wrong-key', baseURL, maxRetries: 0 }).models.list();
  check(false, 'a wrong key is refused');
} catch (e) {
  check(e instanceof Together.AuthenticationError, `a wrong key is refused: ${e.status}`);
}

if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\nall checks passed');
