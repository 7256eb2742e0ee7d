import { describe, expect, it } from 'vitest';
import { inertBlob, RECEIVED_TYPE } from '../../../lib/storage/file-sink';
import { createMemorySink } from '../../../lib/storage/memory-sink';
import type { ManifestFile } from '../../../lib/protocol/messages';

// Issue 17: a received file never keeps the sender's MIME type; a blob URL of ours
// typed text/html or image/svg+xml would render the sender's script in our origin.

const file = (name: string, type: string): ManifestFile => ({ fileId: 'B'.repeat(22), name, path: name, size: 5, type, lastModified: 0 });

describe('received files are inert', () => {
  it.each(['text/html', 'image/svg+xml', 'application/xhtml+xml', ''])('the memory sink types a %j file as octet-stream', async (type) => {
    const sink = createMemorySink(file('page.html', type));
    await sink.write(new TextEncoder().encode('<svg/>'));
    const blob = await sink.close();
    expect(blob.type).toBe(RECEIVED_TYPE);
  });

  it('retypes any blob or file as octet-stream with the same bytes', async () => {
    const html = new File(['<script>alert(1)</script>'], 'page.html', { type: 'text/html' });
    const inert = inertBlob(html);
    expect(inert.type).toBe('application/octet-stream');
    expect(inert.size).toBe(html.size);
    expect(await inert.text()).toBe(await html.text());
  });
});
