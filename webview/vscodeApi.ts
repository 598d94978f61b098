import type { HostToWebview, WebviewState, WebviewToHost } from '../src/protocol/webview';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's only channel to the extension: typed both ways. acquireVsCodeApi may be called once. */
export const host: VsCodeApi = acquireVsCodeApi();

export function onHostMessage(handler: (m: HostToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent<HostToWebview>) => handler(e.data));
}
