import { ValidateBy } from 'class-validator';

/** Validation decorator: a JSON value whose serialized form stays under `maxBytes`. */
export function JsonMaxBytes(maxBytes: number): PropertyDecorator {
  return ValidateBy({
    name: 'jsonMaxBytes',
    validator: {
      validate: (value: unknown) => {
        try {
          return Buffer.byteLength(JSON.stringify(value) ?? '') <= maxBytes;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => `${args?.property} must be at most ${maxBytes} bytes of JSON`,
    },
  });
}
