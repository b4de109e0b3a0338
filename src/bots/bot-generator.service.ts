/**
 * Turns a strategy description into a saved bot: prompt → GeminiClientService → code from the fences →
 * static checks → database row + file in BOTS_DIR. Also asks Gemini for fixed code (used by the error fixer).
 */
import { Injectable } from '@nestjs/common';
import { GeminiClientService } from '../gemini/gemini-client.service';
import { botFileStem } from './core/bot-name';
import { extractCode } from './core/extract-code';
import { staticCheck, StaticCheckResult } from './core/static-check';
import { BotFiles } from './bot-files';
import { BotRow, BotsRepository } from './bots.repository';
import { abortable, withKeyWait } from './key-wait';
import { generationPrompt, generationSystemInstruction, GenerationInput } from './prompts';

export interface GeminiWork {
  /** Key-rotation identity of the user the work is for (`user:<id>`). */
  userKey: string;
  /** Called when every key is busy and the work pauses before retrying. */
  onKeyWait?: (waitMs: number) => void;
  onKeyResume?: () => void;
  /** Longest total pause for busy keys. Default 5 minutes. */
  maxKeyWaitMs?: number;
  /** How to pause (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Aborting (a cancelled job) closes the Gemini request in flight and stops waiting for keys. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_KEY_WAIT_MS = 5 * 60_000;

@Injectable()
export class BotGeneratorService {
  constructor(
    private readonly gemini: GeminiClientService,
    private readonly repo: BotsRepository,
    private readonly files: BotFiles,
  ) {}

  /** Generates and saves a bot. The static check result says whether the code is worth running. */
  async generate(userId: number | null, input: GenerationInput, work: GeminiWork): Promise<{ bot: BotRow; check: StaticCheckResult }> {
    const code = await this.ask(generationPrompt(input), work);
    const check = staticCheck(code);
    const bot = await this.repo.create(
      { userId, name: input.name, description: input.description, code },
      botFileStem(input.name),
      (fileName) => this.files.exists(fileName),
    );
    this.files.write(bot.fileName, code);
    return { bot, check };
  }

  /** Sends `prompt` under the generation system instruction and returns the code of the answer. */
  async ask(prompt: string, work: GeminiWork): Promise<string> {
    const result = await abortable(
      withKeyWait(
        () =>
          this.gemini.generate(
            // The signal reaches the HTTP call itself: a cancelled job closes its Gemini request at once.
            { userId: work.userKey, signal: work.signal },
            { system: generationSystemInstruction(), contents: [{ role: 'user', text: prompt }], settings: { temperature: 0.2 } },
          ),
        {
          maxTotalWaitMs: work.maxKeyWaitMs ?? DEFAULT_MAX_KEY_WAIT_MS,
          onWait: (ms) => work.onKeyWait?.(ms),
          onResume: () => work.onKeyResume?.(),
          sleep: work.sleep,
        },
      ),
      work.signal,
    );
    return extractCode(result.text);
  }

  /** Replaces a bot's code (database and file). */
  async saveCode(bot: BotRow, code: string): Promise<void> {
    await this.repo.update(bot.id, { code });
    this.files.write(bot.fileName, code);
  }
}
