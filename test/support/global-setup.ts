// Starts shared test services once per `vitest run`, in-process, on port 0.
// (The AWS adapters add dynalite and s3rver here; see test/support/aws-services.ts.)
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
