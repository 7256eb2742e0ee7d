'use client';

import QRCode from 'qrcode';
import { useEffect, useRef } from 'react';

/**
 * The share link as a QR code, for handing it to a phone. Always dark on white, with
 * the quiet zone, whatever the colour scheme: scanners need the contrast.
 */
export function LinkQr({ link }: { link: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    // Level M survives a slightly blurry phone camera; the link (~110 chars) still fits version 8.
    QRCode.toCanvas(canvas.current, link, { errorCorrectionLevel: 'M', margin: 4, width: 200, color: { dark: '#0f172a', light: '#ffffff' } }).catch(
      () => {},
    );
  }, [link]);
  return (
    <canvas
      ref={canvas}
      data-testid="share-qr"
      role="img"
      aria-label="QR code of the share link"
      width={200}
      height={200}
      className="size-[200px] shrink-0 self-center rounded-lg bg-white sm:self-start"
    />
  );
}
