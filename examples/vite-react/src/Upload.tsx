import { type ChangeEvent, useState } from 'react';

/** Uploads a file to `POST /v1/documents` and polls it until it is `ready` or `failed`. */
export const Upload = ({ apiUrl, apiKey }: { apiUrl: string; apiKey: string }) => {
  const [status, setStatus] = useState('');
  const headers = { authorization: `Bearer ${apiKey}` };

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.set('file', file, file.name);
    const response = await fetch(`${apiUrl}/v1/documents`, {
      method: 'POST',
      headers,
      body: form,
    });
    const body = (await response.json()) as { id?: string; detail?: string; unchanged?: boolean };
    if (!response.ok || !body.id) {
      setStatus(`${file.name}: ${body.detail ?? response.statusText}`);
      return;
    }
    for (let state = 'queued'; state !== 'ready' && state !== 'failed'; ) {
      setStatus(`${file.name}: ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const document = await fetch(`${apiUrl}/v1/documents/${body.id}`, { headers });
      state = ((await document.json()) as { status: string }).status;
    }
    setStatus(`${file.name}: done`);
  };

  return (
    <p>
      <input type="file" accept=".md,.txt,.html" onChange={(event) => void upload(event)} />{' '}
      {status}
    </p>
  );
};
