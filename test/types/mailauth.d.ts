// mailauth ships no type declarations; this covers the part the tests use.
declare module 'mailauth/lib/dkim/verify.js' {
  export interface DkimVerifyResult {
    signingDomain: string;
    selector: string;
    signingHeaders?: { keys: string; headers: string[] };
    status: {
      result: 'pass' | 'fail' | 'neutral' | 'none' | 'temperror' | 'permerror';
      comment?: string;
    };
  }
  export interface DkimVerifyOptions {
    /** Looks up a DNS record the way `dns.promises.resolve` does (TXT: string[][]). */
    resolver?: (name: string, type: string) => Promise<string[][]>;
  }
  export function dkimVerify(
    input: Buffer | string,
    options?: DkimVerifyOptions,
  ): Promise<{ results: DkimVerifyResult[] }>;
}
