/** One RunFunction call, decoded, to check what a server answers before measuring it. */
import * as grpc from '@grpc/grpc-js';
import { FunctionRunnerServiceService } from '@crossplane-org/function-sdk-typescript';
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';

const CALL_TIMEOUT_MS = 10_000;

/** callOnce sends req to the server at address, without TLS, and resolves with its answer. */
export function callOnce(address: string, req: RunFunctionRequest): Promise<RunFunctionResponse> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const method = FunctionRunnerServiceService.runFunction;
  return new Promise<RunFunctionResponse>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      req,
      { deadline: Date.now() + CALL_TIMEOUT_MS },
      (err, rsp) => {
        if (err === null && rsp !== undefined) resolve(rsp);
        else reject(err ?? new Error(`${address} answered with no message`));
      },
    );
  }).finally(() => {
    client.close();
  });
}
