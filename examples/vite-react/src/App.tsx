import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { type FormEvent, useState } from 'react';
import { Upload } from './Upload';

const apiUrl = import.meta.env.VITE_API_URL as string;
const streamUrl = import.meta.env.VITE_STREAM_URL as string;
const apiKey = import.meta.env.VITE_API_KEY as string;

/** A chat on the RAG API's streaming endpoint: `useChat` unchanged, answers with their sources. */
export const App = () => {
  const [input, setInput] = useState('');
  // The chat's id names its session on the server, so that Stop can stop the answer there.
  const [chatId] = useState(() => crypto.randomUUID());
  const { messages, sendMessage, status, stop, error } = useChat({
    id: chatId,
    transport: new DefaultChatTransport({
      api: streamUrl,
      headers: { authorization: `Bearer ${apiKey}` },
    }),
  });

  // With resumable streams (the default) closing the connection does not stop the answer: the
  // stop route does, wherever it runs; then the connection is closed.
  const stopAnswer = async () => {
    await fetch(`${streamUrl.replace(/\/$/, '')}/${chatId}/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
    }).catch(() => undefined);
    await stop();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!input.trim()) return;
    void sendMessage({ text: input });
    setInput('');
  };

  return (
    <main style={{ maxWidth: 720, margin: '2rem auto', fontFamily: 'system-ui, sans-serif' }}>
      <h1>RAG API · Vite + React</h1>
      <Upload apiUrl={apiUrl} apiKey={apiKey} />
      {messages.map((message) => {
        // The answer cites its sources as [1], [2]… in the order of their parts.
        const sources = message.parts.filter((part) => part.type === 'source-document');
        return (
          <article key={message.id} style={{ margin: '1rem 0' }}>
            <strong>{message.role === 'user' ? 'You' : 'Assistant'}</strong>
            <p style={{ whiteSpace: 'pre-wrap' }}>
              {message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('')}
            </p>
            {sources.length > 0 && (
              <ol style={{ fontSize: '0.85em', color: '#555' }}>
                {sources.map((source) => (
                  <li key={source.sourceId}>{source.title}</li>
                ))}
              </ol>
            )}
          </article>
        );
      })}
      {error && <p role="alert">{error.message}</p>}
      <form onSubmit={submit} style={{ display: 'flex', gap: '0.5rem' }}>
        <input
          value={input}
          onChange={(event) => setInput(event.target.value)}
          placeholder="Ask about your documents…"
          style={{ flex: 1 }}
        />
        {status === 'streaming' || status === 'submitted' ? (
          <button type="button" onClick={() => void stopAnswer()}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </main>
  );
};
