// Drives an Easel server with @saintno/comfyui-sdk, a ComfyUI client library, unchanged:
// upload, run (CallWrapper over the WebSocket), history, interrupt, queue management.
// usage: node client.mjs http://127.0.0.1:PORT IMAGE.png   — prints one JSON line of what it saw; exit 0 on success.
import { readFileSync } from "node:fs";
import { ComfyApi, CallWrapper, PromptBuilder } from "@saintno/comfyui-sdk";

const [host, imagePath] = process.argv.slice(2);
const report = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (ms, what, p) =>
  Promise.race([p, sleep(ms).then(() => { throw new Error(`timed out after ${ms} ms: ${what}`); })]);

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function sleepy(seconds) {
  return {
    "1": { class_type: "StubImage", inputs: { content: "BLACK", height: 4, width: 4 } },
    "2": { class_type: "TestSleep", inputs: { value: ["1", 0], seconds } },
    "3": { class_type: "TestSave", inputs: { images: ["2", 0], filename_prefix: "js" } },
  };
}

const api = new ComfyApi(host, "easel-js-client");
try {
  await within(20000, "connecting", api.init(10, 500).waitForReady());
  report.stats = (await api.getSystemStats()).system.comfyui_version;

  // 1. upload
  const up = await api.uploadImage(readFileSync(imagePath), "js-client.png", { override: true });
  if (!up) throw new Error("upload failed");
  report.upload = up.info;

  // 2. run: LoadImage (the upload) → SaveImage, through the library's CallWrapper
  const workflow = {
    "1": { class_type: "LoadImage", inputs: { image: up.info.filename } },
    "2": { class_type: "SaveImage", inputs: { images: ["1", 0], filename_prefix: "js-client" } },
  };
  const builder = new PromptBuilder(workflow, ["image"], ["saved"]).setInputNode("image", "1.inputs.image").setOutputNode("saved", "2");
  const result = await within(30000, "the run", new Promise((resolve, reject) => {
    new CallWrapper(api, builder.input("image", up.info.filename))
      .onFinished((data, promptId) => resolve({ data, promptId }))
      .onFailed((err) => reject(err))
      .run()
      .then((r) => { if (r === false) reject(new Error("run returned false")); });
  }));
  report.run = { promptId: result.promptId, images: result.data.saved?.images };

  // 3. history (written just after the run's last message, as ComfyUI does)
  const entry = await until("the run in history", async () => api.getHistory(result.promptId));
  report.history = { status: entry?.status?.status_str, outputs: Object.keys(entry?.outputs ?? {}) };

  // 4. interrupt: a long prompt, stopped while it runs
  const long = await api.appendPrompt(sleepy(30));
  await until("the long prompt to run", async () => (await api.getQueue()).queue_running.length > 0);
  await api.interrupt();
  const interrupted = await until("the interrupted prompt in history", async () => api.getHistory(long.prompt_id));
  report.interrupt = {
    status: interrupted.status.status_str,
    messages: interrupted.status.messages.map((m) => m[0]),
  };

  // 5. queue management: one running, two pending; delete one, then clear
  const running = await api.appendPrompt(sleepy(30));
  const a = await api.appendPrompt(sleepy(1));
  const b = await api.appendPrompt(sleepy(1));
  await until("a running prompt", async () => (await api.getQueue()).queue_running.length > 0);
  const before = await api.getQueue();
  await api.manageQueue({ delete: [a.prompt_id] });
  const afterDelete = await api.getQueue();
  await api.manageQueue({ clear: true });
  const afterClear = await api.getQueue();
  await api.interrupt();
  await until("the running prompt to end", async () => api.getHistory(running.prompt_id));
  const pending = (q) => q.queue_pending.map((x) => x[1]);
  report.queue = {
    running: before.queue_running.map((x) => x[1]),
    expectedRunning: running.prompt_id,
    pendingBefore: pending(before),
    pendingAfterDelete: pending(afterDelete),
    pendingAfterClear: pending(afterClear),
    ids: { a: a.prompt_id, b: b.prompt_id },
  };
  await api.clearHistory({ delete: [a.prompt_id] });
  console.log(JSON.stringify(report));
  api.destroy();
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ ...report, error: String(e && e.stack || e) }));
  api.destroy();
  process.exit(1);
}
