/**
 * The live coder in a web page: a person types therapist and client turns, or replays the demo
 * session with its timings, and sees each utterance's code with its evidence, the running
 * goal/task/bond profile and the nudges. Everything runs in the page (the default model is
 * bundled); nothing is sent, and nothing is logged: this file has no console call.
 *
 * Build: npm run example:browser   (bundles into out/live-browser/; open its index.html)
 */
import {
  type Code,
  type Coding,
  createLiveCoder,
  formatNudge,
  type LiveCoder,
  type LivePushResult,
  type LiveUtterance,
  type Nudge,
  rapportCodebook,
  readVtt,
  type SpeakerRole,
  type Utterance,
} from "../../src/index.js";
import { defaultClassifier } from "../../src/model/index.js";
import demoVtt from "../demo-session.vtt";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const form = $<HTMLFormElement>("turn-form");
const textInput = $<HTMLInputElement>("turn-text");
const addButton = $<HTMLButtonElement>("add-turn");
const speedSelect = $<HTMLSelectElement>("speed");
const replayButton = $<HTMLButtonElement>("replay");
const stopButton = $<HTMLButtonElement>("stop");
const resetButton = $<HTMLButtonElement>("reset");
const status = $<HTMLParagraphElement>("status");
const utterList = $<HTMLOListElement>("utterances");
const utterEmpty = $<HTMLParagraphElement>("utterances-empty");
const nudgeList = $<HTMLOListElement>("nudges");
const nudgeEmpty = $<HTMLParagraphElement>("nudges-empty");
const profileList = $<HTMLDListElement>("profile");
const headlineList = $<HTMLDListElement>("headline");

// One classifier for the page (building it parses the model once); one live coder per session.
const classifier = defaultClassifier({ codebook: "rapport", evidence: 3 });
const codes = new Map<string, Code>(rapportCodebook.codes.map((c) => [c.id, c]));

let live: LiveCoder | undefined;
let sessionStart = 0;
let replayTimer: ReturnType<typeof setTimeout> | undefined;

/** Seconds since the session began: the coder's clock for typed turns, which carry no times. */
const clock = () => (performance.now() - sessionStart) / 1000;

function newSession(id: string): LiveCoder {
  live?.dispose();
  utterList.replaceChildren();
  nudgeList.replaceChildren();
  utterEmpty.hidden = false;
  nudgeEmpty.hidden = false;
  sessionStart = performance.now();
  live = createLiveCoder({ classifier, session: id, clock });
  document.body.dataset.session = id;
  renderProfile(undefined);
  return live;
}

const mmss = (s: number) =>
  `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

/** The utterance's text with the spans a cue matched marked (text nodes only, never HTML). */
function markedText(u: Utterance, coding: Coding): HTMLElement {
  const p = el("p", { className: "text" });
  const spans = [...(coding.evidence?.spans ?? [])].sort((a, b) => a.start - b.start);
  let at = 0;
  for (const s of spans) {
    if (s.start < at || s.end > u.text.length || s.end <= s.start) continue;
    p.append(u.text.slice(at, s.start));
    const m = el("mark", { text: u.text.slice(s.start, s.end) });
    if (s.cue) m.title = `cue ${s.cue}`;
    p.append(m);
    at = s.end;
  }
  p.append(u.text.slice(at));
  return p;
}

/** The element id of an utterance's list item (ids may hold any character; element ids here do not). */
const itemId = (utteranceId: string) => `utt-${utteranceId.replace(/[^A-Za-z0-9_-]/g, "-")}`;

/**
 * A nudge: its text, and in the nudge list a link to the utterance that raised it (which takes
 * the keyboard focus there too).
 */
function nudgeItem(n: Nudge, tag: "li" | "p", time: number): HTMLElement {
  // Said in words, not only by the frame's colour; the flag is decoration.
  const flag = el("span", { text: "⚑ " });
  flag.setAttribute("aria-hidden", "true");
  const e = el(tag, { className: "nudge" }, el("strong", {}, flag, "Nudge:"), ` ${formatNudge(n)}`);
  if (tag === "li") {
    const where = `${mmss(time)}, turn ${n.turn + 1}`;
    const a = el("a", { text: where });
    a.setAttribute("aria-label", `Show the utterance at ${where}`);
    a.href = `#${itemId(n.utteranceId)}`;
    a.addEventListener("click", (ev) => {
      const target = document.getElementById(itemId(n.utteranceId));
      if (!target) return;
      ev.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
    e.append(" (", a, ")");
  }
  e.dataset.rule = n.rule;
  e.dataset.message = n.message;
  e.dataset.utterance = n.utteranceId;
  e.dataset.turn = String(n.turn);
  return e;
}

function renderPush(r: LivePushResult, time: number): void {
  const { utterance: u, coding, nudges } = r;
  const code = codes.get(coding.codeId);
  const li = el("li", { className: u.role });
  li.id = itemId(u.id);
  li.tabIndex = -1;
  li.dataset.utterance = u.id;
  li.dataset.code = coding.codeId;
  li.append(
    el(
      "div",
      {},
      el("span", { className: "who", text: u.role === "therapist" ? "Therapist" : "Client" }),
      " ",
      el("span", { className: "time", text: `at ${mmss(time)}` }),
    ),
    markedText(u, coding),
  );
  const codeLine = el(
    "p",
    { className: "code" },
    "Code: ",
    el("b", { text: coding.codeId }),
    ` (${code?.label ?? "unknown code"}), confidence ${Math.round(coding.confidence * 100)} %`,
  );
  if (code && code.valence !== "neutral")
    codeLine.append(
      " ",
      el("span", {
        className: `valence ${code.valence}`,
        text: code.valence === "builds" ? "+ builds rapport" : "− harms rapport",
      }),
    );
  li.append(codeLine);
  const features = coding.evidence?.features ?? [];
  if (features.length > 0) {
    const ev = el("p", { className: "evidence" }, "Evidence: ");
    features.forEach((f, i) => {
      if (i > 0) ev.append(", ");
      ev.append(
        el("code", { text: f.name }),
        ` ${f.weight >= 0 ? "+" : "−"}${Math.abs(f.weight).toFixed(2)}`,
      );
    });
    li.append(ev);
  }
  for (const n of nudges) li.append(nudgeItem(n, "p", time));
  // Follow the newest utterance, unless the reader has scrolled up to read an earlier one.
  const follow = utterList.scrollHeight - utterList.scrollTop - utterList.clientHeight < 40;
  utterList.append(li);
  utterEmpty.hidden = true;
  if (follow) utterList.scrollTop = utterList.scrollHeight;

  for (const n of nudges) nudgeList.append(nudgeItem(n, "li", time));
  if (nudges.length > 0) nudgeEmpty.hidden = true;
  renderProfile(r);
}

function row(
  list: HTMLDListElement,
  key: string,
  label: string,
  value: number | null,
  max: number,
  shown: string,
): void {
  const dt = el("dt", { text: label });
  dt.id = `${list.id}-${key}`;
  const meter = el("meter");
  meter.min = 0;
  meter.max = max;
  meter.value = value ?? 0;
  meter.setAttribute("aria-labelledby", dt.id);
  if (value === null) meter.setAttribute("aria-valuetext", "not yet");
  const num = el("span", { className: "num", text: shown });
  num.dataset.key = key;
  list.append(dt, el("dd", {}, meter, num));
}

function renderProfile(r: LivePushResult | undefined): void {
  profileList.replaceChildren();
  headlineList.replaceChildren();
  const p = r?.scores.rapport;
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? "—" : v.toFixed(1);
  for (const [key, label] of [
    ["goal", "Goal"],
    ["task", "Task"],
    ["bond", "Bond"],
    ["overall", "Overall"],
  ] as const)
    row(profileList, key, label, p?.[key] ?? null, 100, fmt(p?.[key]));
  const rq = r?.scores.rq.value ?? null;
  row(
    headlineList,
    "rq",
    "Reflections : questions",
    rq === null ? null : Math.min(rq, 3),
    3,
    rq === null ? "—" : rq.toFixed(2),
  );
  const share = r?.scores.therapistTalkShare.value ?? null;
  row(
    headlineList,
    "talk",
    "Therapist talk",
    share,
    1,
    share === null ? "—" : `${Math.round(share * 100)} %`,
  );
}

function push(u: LiveUtterance, time: number): LivePushResult {
  const coder = live ?? newSession("live");
  const r = coder.push(u);
  renderPush(r, time);
  return r;
}

function setReplaying(on: boolean): void {
  replayButton.disabled = on;
  stopButton.disabled = !on;
  addButton.disabled = on;
  document.body.dataset.replay = on ? "running" : "idle";
}

function stopReplay(message: string): void {
  if (replayTimer !== undefined) clearTimeout(replayTimer);
  replayTimer = undefined;
  setReplaying(false);
  status.textContent = message;
}

/** Replays the demo session: each cue is pushed at its start time divided by the speed. */
function replay(): void {
  const speed = Number(speedSelect.value);
  const { transcripts } = readVtt(demoVtt, { file: "demo-session.vtt", session: "demo" });
  const cues = transcripts[0]?.utterances ?? [];
  newSession("demo");
  setReplaying(true);
  const t0 = performance.now();
  let i = 0;
  const next = (): void => {
    const u = cues[i];
    if (!u) {
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      stopReplay(`Replay done: ${cues.length} utterances in ${s} s (×${speed}).`);
      document.body.dataset.replay = "done";
      return;
    }
    const wait = ((u.start ?? 0) * 1000) / speed - (performance.now() - t0);
    if (wait > 0) {
      replayTimer = setTimeout(next, wait);
      return;
    }
    push(
      {
        id: u.id,
        speaker: u.speaker,
        role: u.role,
        text: u.text,
        ...(u.start !== undefined ? { start: u.start } : {}),
        ...(u.end !== undefined ? { end: u.end } : {}),
      },
      u.start ?? 0,
    );
    i++;
    status.textContent = `Replaying the demo: ${i} of ${cues.length} utterances, at ${mmss(u.start ?? 0)}.`;
    next();
  };
  next();
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = textInput.value.trim();
  if (text === "" || replayTimer !== undefined) return;
  const data = new FormData(form);
  const role: SpeakerRole = data.get("role") === "client" ? "client" : "therapist";
  if (!live) newSession("live");
  const r = push({ role, text }, clock());
  textInput.value = "";
  // The other speaker usually talks next.
  const other = role === "therapist" ? "client" : "therapist";
  const radio = form.querySelector<HTMLInputElement>(`input[name="role"][value="${other}"]`);
  if (radio) radio.checked = true;
  const said =
    r.nudges.length > 0 ? ` ${r.nudges.map((n) => `Nudge: ${formatNudge(n)}`).join(" ")}` : "";
  status.textContent = `${role === "therapist" ? "Therapist" : "Client"} turn coded ${r.coding.codeId}; next: ${other}.${said}`;
  textInput.focus();
});

replayButton.addEventListener("click", replay);
stopButton.addEventListener("click", () => stopReplay("Replay stopped."));
resetButton.addEventListener("click", () => {
  stopReplay("New session: type a turn or replay the demo.");
  live?.dispose();
  live = undefined;
  newSession("live");
});
// Nothing outlives the page's session: drop the coder (and the text it held) on leaving.
window.addEventListener("pagehide", () => live?.dispose());

renderProfile(undefined);
document.body.dataset.ready = "true";
status.textContent = "Ready: type a turn or replay the demo.";
