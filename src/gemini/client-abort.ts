import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from '../common/domain-error';

/**
 * An AbortSignal that fires when the client goes away before its response is complete, so the Gemini call
 * made for it is cut instead of running (and costing quota) for nobody.
 */
export function abortOnDisconnect(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished)
      controller.abort(new DomainError(ErrorCode.ClientClosed, 'The client closed the request', 'client disconnected'));
  };
  res.once('close', onClose);
  req.once('aborted', onClose);
  return controller.signal;
}
