// The editor's page: paste or drop text, see the stories and the draft digest, correct it, export it, and save
// the corrections. Every text from a story is shown with textContent (never as HTML).
"use strict";

const SECTIONS = ["思想引领", "建功立业", "维权服务", "构建和谐劳动关系", "组织建设"];
const PENDING = "待定";
let entries = [];   // {id, title, body, text, section, predicted, score, top, why}
let threshold = null;

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function splitItems(text) {
  return text.split(/\n\s*\n/).map((block) => block.trim()).filter(Boolean).map((block) => {
    const [first, ...rest] = block.split("\n");
    return rest.length ? {title: first.trim(), text: rest.join("\n").trim()} : {title: "", text: first.trim()};
  });
}

function readJsonl(text) {
  return text.split("\n").filter((line) => line.trim()).map((line) => {
    const record = JSON.parse(line);
    return {title: String(record.title || record["标题"] || ""), text: String(record.text || record["正文"] || record["内容"] || "")};
  });
}

async function draft() {
  const source = $("source").value;
  if (!source.trim()) { $("status").textContent = "请先粘贴文字或拖入文件"; return; }
  $("status").textContent = "分栏中……";
  try {
    const kind = $("kind").value;
    const request = kind === "page" ? {pages: [source]} : {items: kind === "jsonl" ? readJsonl(source) : splitItems(source)};
    if (kind === "page") {
      const split = await api("/v1/split-page", {text: source});
      showStories(split.stories);
    } else {
      $("stories").hidden = true;
    }
    const digest = await api("/v1/digest", request);
    threshold = digest.threshold;
    entries = [];
    for (const block of digest.sections) for (const item of block.items) entries.push(makeEntry(item, block.section));
    for (const item of digest.pending) entries.push(makeEntry(item, PENDING));
    await explainDoubts();
    $("digest-title").textContent = digest.title;
    render();
    $("digest").hidden = false;
    $("status").textContent = `${entries.length} 篇，${digest.pending.length} 篇待定` +
      (digest.duplicates_removed ? `，去重 ${digest.duplicates_removed} 篇` : "");
    refreshCorrections();
  } catch (error) {
    $("status").textContent = "出错：" + error.message;
  }
}

let nextId = 1;
function makeEntry(item, section) {
  return {id: nextId++, title: item.title, body: item.body, text: item.title + "\n" + item.body, section,
          predicted: item.section, score: item.score, top: item.top, why: null};
}

async function explainDoubts() {
  const doubtful = entries.filter((e) => e.section === PENDING);
  if (!doubtful.length) return;
  const result = await api("/v1/classify", {texts: doubtful.map((e) => e.text), explain: true, top_k: 2});
  result.predictions.forEach((p, k) => {
    doubtful[k].why = (p.explain || []).slice(0, 5).map(([name]) => name.slice(2)).join("、");
  });
}

function showStories(stories) {
  const list = $("story-list");
  list.replaceChildren(...stories.map((s) => el("li", {}, s.title)));
  $("story-count").textContent = `（${stories.length} 篇）`;
  $("stories").hidden = false;
}

function render() {
  const container = $("sections");
  container.replaceChildren();
  for (const section of [...SECTIONS, PENDING]) {
    const box = el("div", {class: "section" + (section === PENDING ? " pending" : ""), "data-section": section});
    box.append(el("h3", {}, section));
    box.addEventListener("dragover", (event) => { event.preventDefault(); box.classList.add("dragover"); });
    box.addEventListener("dragleave", () => box.classList.remove("dragover"));
    box.addEventListener("drop", (event) => {
      event.preventDefault();
      box.classList.remove("dragover");
      move(Number(event.dataTransfer.getData("text/plain")), section);
    });
    const mine = entries.filter((e) => e.section === section);
    if (!mine.length) box.append(el("p", {class: "empty"}, section === PENDING ? "（无）" : "（本周暂无）"));
    for (const entry of mine) box.append(renderEntry(entry));
    container.append(box);
  }
}

function renderEntry(entry) {
  const doubt = entry.section === PENDING || (threshold !== null && entry.score < threshold);
  const node = el("div", {class: "entry" + (doubt ? " doubt" : ""), draggable: "true", "data-id": String(entry.id)});
  node.addEventListener("dragstart", (event) => event.dataTransfer.setData("text/plain", String(entry.id)));
  const title = el("input", {class: "title", "aria-label": "标题"});
  title.value = entry.title;
  title.addEventListener("input", () => { entry.title = title.value; });
  node.append(title);
  if (entry.body) node.append(el("p", {class: "body"}, entry.body));
  const meta = el("div", {class: "meta"});
  const select = el("select", {"aria-label": "栏目"});
  for (const section of [...SECTIONS, PENDING]) {
    const option = el("option", {value: section}, section);
    if (section === entry.section) option.selected = true;
    select.append(option);
  }
  select.addEventListener("change", () => move(entry.id, select.value));
  meta.append(select);
  meta.append(el("span", {}, entry.top.map(([label, score]) => `${label} ${score.toFixed(2)}`).join(" / ")));
  if (entry.why) meta.append(el("span", {class: "why"}, "依据：" + entry.why));
  const remove = el("button", {type: "button", class: "delete"}, "删除");
  remove.addEventListener("click", () => { entries = entries.filter((e) => e.id !== entry.id); render(); });
  meta.append(remove);
  node.append(meta);
  return node;
}

function move(id, section) {
  const entry = entries.find((e) => e.id === id);
  if (entry) { entry.section = section; render(); }
}

function markdown() {
  const out = [`# ${$("digest-title").textContent}`, ""];
  for (const section of SECTIONS) {
    out.push(`## ${section}`, "");
    const mine = entries.filter((e) => e.section === section);
    if (!mine.length) out.push("（本周暂无）", "");
    for (const e of mine) out.push(`### ${e.title}`, "", ...(e.body ? [e.body, ""] : []));
  }
  const pending = entries.filter((e) => e.section === PENDING);
  if (pending.length) {
    out.push(`## ${PENDING}`, "");
    for (const e of pending) out.push(`### ${e.title}`, "", ...(e.body ? [e.body, ""] : []));
  }
  return out.join("\n").trimEnd() + "\n";
}

function asJson() {
  return JSON.stringify({title: $("digest-title").textContent, sections: [...SECTIONS, PENDING].map((section) => ({
    section, items: entries.filter((e) => e.section === section).map((e) => ({title: e.title, body: e.body,
      predicted: e.predicted, score: e.score}))}))}, null, 1);
}

function download(name, text, type) {
  const link = el("a", {href: URL.createObjectURL(new Blob([text], {type})), download: name});
  document.body.append(link);
  link.click();
  link.remove();
}

async function accept() {
  const items = entries.filter((e) => e.section !== PENDING).map((e) => ({
    title: e.title, text: e.body, label: e.section, predicted: e.predicted}));
  if (!items.length) { $("status").textContent = "没有已分栏的稿件"; return; }
  try {
    const result = await api("/v1/corrections", {items});
    $("status").textContent = `已保存 ${result.added} 条`;
    refreshCorrections();
  } catch (error) {
    $("status").textContent = "保存失败：" + error.message;
  }
}

async function refreshCorrections() {
  const info = await api("/v1/corrections");
  $("corrections").textContent = `已保存的更正：${info.stored} 条。用它们重新训练模型：`;
  $("retrain").textContent = info.retrain;
}

function loadFiles(files) {
  const readers = [...files].map((file) => file.text());
  Promise.all(readers).then((texts) => {
    $("source").value = texts.join("\n\n");
    if ([...files].every((f) => /\.jsonl?$/i.test(f.name))) $("kind").value = "jsonl";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("draft").addEventListener("click", draft);
  $("export-md").addEventListener("click", () => download("一周速览.md", markdown(), "text/markdown"));
  $("export-json").addEventListener("click", () => download("一周速览.json", asJson(), "application/json"));
  $("copy").addEventListener("click", async () => {
    await navigator.clipboard.writeText(markdown());
    $("status").textContent = "已复制";
  });
  $("accept").addEventListener("click", accept);
  $("file").addEventListener("change", (event) => loadFiles(event.target.files));
  const drop = $("drop");
  for (const target of [drop, $("source")]) {
    target.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
    target.addEventListener("drop", (event) => { event.preventDefault(); drop.classList.remove("over"); loadFiles(event.dataTransfer.files); });
  }
});
