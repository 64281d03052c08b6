import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The workspace packages export their TypeScript sources (with `.ts` import extensions).
  transpilePackages: ['@databridge/engine', '@databridge/store', '@databridge/queue'],
  // Native addons, database drivers and packages that read files beside their own code at run time
  // (BullMQ's Lua scripts) are loaded by Node from node_modules instead of being bundled.
  serverExternalPackages: [
    'better-sqlite3',
    'pg',
    'pg-copy-streams',
    'pg-native',
    'mysql2',
    'bullmq',
    'ioredis',
    '@node-rs/argon2',
    'nodemailer',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    '@aws-sdk/s3-request-presigner',
  ],
  poweredByHeader: false,
};

export default nextConfig;
