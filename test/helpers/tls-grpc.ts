import * as grpc from '@grpc/grpc-js';

/**
 * A tiny gRPC service with JSON messages (no .proto needed): Unary echoes, Stream sends `count`
 * replies, Fail answers NOT_FOUND with trailing metadata. Used on both ends of the proxy.
 */
type Message = { text: string; count?: number; server?: string };

const json = {
  serialize: (value: Message) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as Message,
};

function method(name: string, responseStream: boolean) {
  return {
    path: `/test.Echo/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  };
}

export const echoService = {
  Unary: method('Unary', false),
  Stream: method('Stream', true),
  Fail: method('Fail', false),
} as const;

export async function startGrpcServer(name: string, credentials = grpc.ServerCredentials.createInsecure()) {
  const server = new grpc.Server();
  server.addService(echoService, {
    Unary: (call: grpc.ServerUnaryCall<Message, Message>, done: grpc.sendUnaryData<Message>) =>
      done(null, { text: call.request.text, server: name }),
    Stream: (call: grpc.ServerWritableStream<Message, Message>) => {
      for (let i = 0; i < (call.request.count ?? 1); i++)
        call.write({ text: `${call.request.text} ${i}`, server: name });
      call.end();
    },
    Fail: (_call: grpc.ServerUnaryCall<Message, Message>, done: grpc.sendUnaryData<Message>) => {
      const metadata = new grpc.Metadata();
      metadata.set('x-reason', 'no-such-thing');
      done({ code: grpc.status.NOT_FOUND, details: 'nothing here', metadata });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, close: () => new Promise<void>((done) => server.tryShutdown(() => done())) };
}

export const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => grpc.Client & {
  Unary(request: Message, callback: (error: grpc.ServiceError | null, reply?: Message) => void): void;
  Fail(request: Message, callback: (error: grpc.ServiceError | null, reply?: Message) => void): void;
  Stream(request: Message): grpc.ClientReadableStream<Message>;
};

export function unary(client: InstanceType<typeof EchoClient>, text: string) {
  return new Promise<Message>((resolve, reject) =>
    client.Unary({ text }, (error, reply) => (error ? reject(error) : resolve(reply!))),
  );
}

export function failing(client: InstanceType<typeof EchoClient>) {
  return new Promise<grpc.ServiceError>((resolve, reject) =>
    client.Fail({ text: 'x' }, (error) => (error ? resolve(error) : reject(new Error('Fail succeeded')))),
  );
}

export async function streamed(client: InstanceType<typeof EchoClient>, text: string, count: number) {
  const replies: Message[] = [];
  for await (const reply of client.Stream({ text, count })) replies.push(reply as Message);
  return replies;
}

export { grpc };
