// How iotex-core's web3 server turns a failed call into a JSON-RPC error object.
//
// api/web3server_marshal.go:116-153 (MarshalJSON): an error that is (or wraps) a gRPC status gives
// that status's numeric code (5 NotFound, 13 Internal, 3 InvalidArgument …) and message; any other
// error gives -32603 and err.Error(). `data` is the call's result when there is one (reverts).

/** gRPC codes iotex-core uses on the paths emulated here (google.golang.org/grpc/codes). */
export const GRPC = { InvalidArgument: 3, NotFound: 5, Internal: 13 } as const;

/** -32603: every error that is not a gRPC status (api/web3server_marshal.go:137). */
export const NOT_A_STATUS = -32603;

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A call's error, as iotex-core writes it. */
export class Web3Error extends Error {
  override name = 'Web3Error';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toJSON(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** A plain Go error: code -32603, message err.Error(). */
export const plainError = (message: string) => new Web3Error(NOT_A_STATUS, message);

/** status.Error(code, message). */
export const statusError = (code: number, message: string) => new Web3Error(code, message);

/**
 * status.Error(codes.Internal, err.Error()) around an error that is already a status: the message
 * becomes grpc-go's `rpc error: code = Internal desc = …` (api/coreservice.go:742-744 wraps what
 * simulateExecution returned as status.Error(codes.Internal, …), :2288-2312).
 */
export const rewrappedInternal = (inner: string) =>
  new Web3Error(GRPC.Internal, `rpc error: code = Internal desc = ${inner}`);

/** An error object from the upstream (Hardhat) node, passed through unchanged. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(readonly error: RpcErrorObject) {
    super(error.message);
  }
}

/**
 * A Go panic in a handler. iotex-core recovers it in HandlePOSTReq (api/web3server.go:125-128),
 * returns an error and ServeHTTP answers the whole HTTP request (the whole batch) with status
 * 500 and an empty body (api/http.go:98-101).
 */
export class HandlerPanic extends Error {
  override name = 'HandlerPanic';
}
