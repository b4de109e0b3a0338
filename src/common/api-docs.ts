import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto';

type Answer = Type | [Type];
/** An error answer: `true` for the plain one, or what it means on this route. */
type ErrorDoc = true | string;

/** A path parameter: its name, an example and, where the name does not say it, what it is. */
export interface PathParamDoc {
  name: string;
  example: number | string;
  description?: string;
}

export interface ApiDocsOptions {
  summary: string;
  /** The longer text under the summary, where the route needs one. */
  description?: string;
  /** 200 with this body; `created`: 201; `accepted`: 202; `noContent`: 204. */
  ok?: Answer;
  created?: Answer;
  accepted?: Answer;
  noContent?: boolean;
  /** The `:id` path parameter and its example (`param` for any other, or one with a description). */
  id?: number;
  param?: PathParamDoc;
  /** The `page` query parameter of a paginated list. */
  page?: boolean;
  /** Media types of the answer, where it is not only JSON (`text/event-stream`). */
  produces?: string[];
  400?: ErrorDoc;
  403?: ErrorDoc;
  404?: ErrorDoc;
  429?: ErrorDoc;
  503?: ErrorDoc;
}

const error = (doc: ErrorDoc) => ({ type: ErrorBodyDto, ...(doc === true ? {} : { description: doc }) });

/**
 * The Swagger documentation of one route of a DRF-style viewset in one decorator: summary, path id, page query,
 * the success answer and the error answers it can give (each with the one error body).
 */
export function ApiDocs(o: ApiDocsOptions): MethodDecorator {
  const parts: Array<MethodDecorator> = [];
  if (o.id !== undefined) parts.push(ApiParam({ name: 'id', example: o.id }));
  if (o.param) parts.push(ApiParam(o.param));
  parts.push(ApiOperation({ summary: o.summary, description: o.description }));
  if (o.page) parts.push(ApiQuery({ name: 'page', required: false, example: 1 }));
  if (o.produces) parts.push(ApiProduces(...o.produces));
  if (o.ok) parts.push(ApiOkResponse({ type: o.ok }));
  if (o.created) parts.push(ApiCreatedResponse({ type: o.created }));
  if (o.accepted) parts.push(ApiAcceptedResponse({ type: o.accepted }));
  if (o.noContent) parts.push(ApiNoContentResponse());
  if (o[400]) parts.push(ApiBadRequestResponse(error(o[400])));
  if (o[403]) parts.push(ApiForbiddenResponse(error(o[403])));
  if (o[404]) parts.push(ApiNotFoundResponse(error(o[404])));
  if (o[429]) parts.push(ApiTooManyRequestsResponse(error(o[429])));
  if (o[503]) parts.push(ApiServiceUnavailableResponse(error(o[503])));
  return applyDecorators(...parts);
}
