// A custom serializer: anything with dumps(value) -> Buffer | string and loads(Buffer) -> value.
// This one writes compact JSON and reads any JSON, so Python's JSONSerializer still reads it.
// Use it in both the producer and the worker (`--serializer serializer.compactJson`).

export const compactJson = {
  dumps: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
  loads: (data) => JSON.parse(data.toString('utf8')),
};
