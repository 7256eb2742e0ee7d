import { it } from 'vitest';

it.todo('a test still to write');
