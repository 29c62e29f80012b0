// A bare JSON-RPC client for the invariant suite's anvil: a step is one transaction and one read,
// so the suite talks to the node directly (unlocked dev accounts, blocks mined on request) instead
// of paying for a wallet client's nonce, fee and receipt-polling round trips, over kept-alive
// connections (node:http answers in half the time fetch takes here).

import http from 'node:http';
import type { Address, Hex, RpcLog } from 'viem';

export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data?: Hex,
  ) {
    super(`${method}: ${message}`);
  }
}

export interface Receipt {
  status: '0x1' | '0x0';
  blockNumber: Hex;
  blockTimestamp: Hex | number;
  contractAddress: Address | null;
  logs: RpcLog[];
}

export interface TxRequest {
  from: Address;
  to?: Address;
  data: Hex;
}

/** Far above any step's use, so a transaction never fails for gas and is never estimated (an estimate runs at another timestamp). */
const GAS_LIMIT = '0x4c4b40'; // 5,000,000

const toHex = (n: bigint): Hex => `0x${n.toString(16)}`;

export class AnvilRpc {
  private nextId = 1;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly endpoint: URL;

  constructor(readonly url: string) {
    this.endpoint = new URL(url);
  }

  async request<T>(method: string, params: unknown[]): Promise<T> {
    const text = await this.post(JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }));
    const body = JSON.parse(text) as { result?: T; error?: { code: number; message: string; data?: Hex } };
    if (body.error) throw new RpcError(method, body.error.code, body.error.message, body.error.data);
    return body.result as T;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private post(payload: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.endpoint.hostname,
          port: this.endpoint.port,
          path: this.endpoint.pathname,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${this.url} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Sends a transaction, mines it in a block of its own and answers its receipt, reverted or not.
   * Mined on request (the world turns automine off) rather than with eth_sendTransactionSync,
   * which in anvil 1.7.1 now and then misses its block and waits out its 30 s timeout.
   */
  async send(tx: TxRequest): Promise<Receipt> {
    const hash = await this.request<Hex>('eth_sendTransaction', [{ ...tx, gas: GAS_LIMIT }]);
    await this.request('evm_mine', []);
    const receipt = await this.request<Receipt | null>('eth_getTransactionReceipt', [hash]);
    if (!receipt) throw new Error(`transaction ${hash} was not in the block mined for it`);
    return receipt;
  }

  /**
   * Runs a call against the latest state as a block at `timestamp` would: answers its return
   * data, or its revert data as a RevertedCall. Without `timestamp`, at the latest block's.
   */
  async call(tx: TxRequest, options: { timestamp?: bigint; block?: bigint } = {}): Promise<Hex | RevertedCall> {
    const block = options.block === undefined ? 'latest' : toHex(options.block);
    const params: unknown[] = [{ ...tx, gas: GAS_LIMIT }, block];
    if (options.timestamp !== undefined) params.push({}, { time: toHex(options.timestamp) });
    try {
      return await this.request<Hex>('eth_call', params);
    } catch (err) {
      // JSON-RPC code 3 is "execution reverted" with the revert data.
      if (err instanceof RpcError && err.code === 3) return new RevertedCall(err.data ?? '0x');
      throw err;
    }
  }

  /** Why a mined transaction reverted: the same call replayed on its parent block's state at its timestamp. */
  async revertData(tx: TxRequest, receipt: Receipt): Promise<Hex> {
    const result = await this.call(tx, { block: BigInt(receipt.blockNumber) - 1n, timestamp: BigInt(receipt.blockTimestamp) });
    if (!(result instanceof RevertedCall)) throw new Error(`transaction reverted on-chain, but its replay succeeded: ${JSON.stringify(tx)}`);
    return result.data;
  }

  async latestTimestamp(): Promise<bigint> {
    const block = await this.request<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
    return BigInt(block.timestamp);
  }

  setNextBlockTimestamp(timestamp: bigint): Promise<unknown> {
    return this.request('evm_setNextBlockTimestamp', [toHex(timestamp)]);
  }
}

export class RevertedCall {
  constructor(readonly data: Hex) {}
}
