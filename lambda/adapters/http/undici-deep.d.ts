// Types for the undici modules that undici-lite.ts imports by deep path (undici ships types for
// its index only). Both are CommonJS modules whose module.exports is the value declared here.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';

  const AgentClass: typeof Agent;
  export = AgentClass;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';

  /** Called with `this` = the dispatcher; opts carry origin and path (not a URL). */
  function request(this: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export = request;
}

declare module 'undici/lib/core/errors.js' {
  import type { errors } from 'undici';

  const all: typeof errors;
  export = all;
}
