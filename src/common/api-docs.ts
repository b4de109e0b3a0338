import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
} from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto';

type Answer = Type | [Type];
/** An error answer: `true` for the plain one, or what it means on this route. */
type ErrorDoc = true | string;

export interface ApiDocsOptions {
  summary: string;
  /** 200 with this body; `created`: 201; `noContent`: 204. */
  ok?: Answer;
  created?: Answer;
  noContent?: boolean;
  /** The `:id` path parameter and its example. */
  id?: number;
  /** The `page` query parameter of a paginated list. */
  page?: boolean;
  400?: ErrorDoc;
  403?: ErrorDoc;
  404?: ErrorDoc;
}

const error = (doc: ErrorDoc) => ({ type: ErrorBodyDto, ...(doc === true ? {} : { description: doc }) });

/**
 * The Swagger documentation of one route of a DRF-style viewset in one decorator: summary, path id, page query,
 * the success answer and the error answers it can give (each with the one error body).
 */
export function ApiDocs(o: ApiDocsOptions): MethodDecorator {
  const parts: Array<MethodDecorator> = [];
  if (o.id !== undefined) parts.push(ApiParam({ name: 'id', example: o.id }));
  parts.push(ApiOperation({ summary: o.summary }));
  if (o.page) parts.push(ApiQuery({ name: 'page', required: false, example: 1 }));
  if (o.ok) parts.push(ApiOkResponse({ type: o.ok }));
  if (o.created) parts.push(ApiCreatedResponse({ type: o.created }));
  if (o.noContent) parts.push(ApiNoContentResponse());
  if (o[400]) parts.push(ApiBadRequestResponse(error(o[400])));
  if (o[403]) parts.push(ApiForbiddenResponse(error(o[403])));
  if (o[404]) parts.push(ApiNotFoundResponse(error(o[404])));
  return applyDecorators(...parts);
}
