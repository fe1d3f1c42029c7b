// After a run: the status page and its data, built from the state and handed to a sink (S3 on AWS).
import { renderStatusPage } from './render.js';
import type { StatusSource } from './status-source.js';
import { buildStatusView, type StatusViewOptions } from './status-view.js';

export interface StatusPageSink {
  write(html: string, json: string): Promise<void>;
}

/** Builds, renders and writes the status page; returns the page's size in bytes. */
export async function publishStatusPage(
  source: StatusSource,
  sink: StatusPageSink,
  options: StatusViewOptions,
): Promise<number> {
  const view = await buildStatusView(source, options);
  const html = renderStatusPage(view);
  await sink.write(html, JSON.stringify(view));
  return Buffer.byteLength(html);
}
