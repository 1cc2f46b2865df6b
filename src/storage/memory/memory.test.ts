import { runStorageContract } from '../testing/contract.js';
import { MemoryStorage } from './memory.js';

runStorageContract('memory', {
  async create() {
    const storage = new MemoryStorage();
    await storage.open();
    return { storage };
  },
});
