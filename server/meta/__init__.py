"""The labels of the API's codes (`GET /api/meta`): one pt-BR name per enum value, for both apps."""
