import type { Config } from 'tailwindcss';

// Tailwind 4 reads this through `@config` in app/globals.css.
const config: Config = {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}'],
  darkMode: 'media',
  theme: {
    extend: {
      colors: {
        vault: { 50: '#eef6ff', 400: '#60a5fa', 500: '#2563eb', 600: '#1d4ed8', 700: '#1e40af', 800: '#1e3a8a' },
      },
    },
  },
};

export default config;
