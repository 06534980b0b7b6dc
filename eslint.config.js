import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/interop/*/target/', 'src/records/kv-record.ts', 'src/protocol/kv-protocol.ts', 'src/kad/kad-message.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }]
    }
  },
  {
    // the dashboard: plain browser modules (src/api/dashboard)
    files: ['src/api/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['window', 'document', 'location', 'history', 'fetch', 'sessionStorage', 'setTimeout', 'setInterval', 'clearInterval', 'confirm', 'Node', 'TextDecoderStream', 'URLSearchParams', 'Date', 'console'].map((name) => [name, 'readonly']))
    }
  }
)
