import { LogIn } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { ApiError } from '../../../lib/api-client';
import { loginSchema } from '../api/login';
import { useLogin } from '../api/login';
import { useMe } from '../api/me';

export function LoginPage() {
  const me = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next')?.startsWith('/') ? params.get('next')! : '/';
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  if (me.data) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = loginSchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      setFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setFieldErrors({});
    login.mutate(parsed.data, { onSuccess: () => navigate(next, { replace: true }) });
  };
  const apiError = login.error instanceof ApiError ? login.error : null;

  return (
    <main className="grid min-h-full place-items-center p-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-3 text-center">
          <div className="hero-gradient grid h-12 w-12 place-items-center rounded-2xl text-xl font-bold text-white shadow-lg">S</div>
          <h1 className="text-2xl font-semibold">Sign in to Switchyard</h1>
          <p className="text-sm text-muted">One endpoint for every LLM provider.</p>
        </div>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4 rounded-2xl border border-border bg-surface p-6 shadow-sm">
          <div className="flex flex-col gap-1">
            <label htmlFor="email" className="text-sm font-medium">Email</label>
            <input id="email" name="email" type="email" autoComplete="username" required aria-invalid={!!fieldErrors.email} aria-describedby={fieldErrors.email ? 'email-error' : undefined} className="rounded-lg border border-border bg-surface-2 px-3 py-2 text-sm" />
            {fieldErrors.email ? <p id="email-error" className="text-xs text-danger">{fieldErrors.email}</p> : null}
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="password" className="text-sm font-medium">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={!!fieldErrors.password} aria-describedby={fieldErrors.password ? 'password-error' : undefined} className="rounded-lg border border-border bg-surface-2 px-3 py-2 text-sm" />
            {fieldErrors.password ? <p id="password-error" className="text-xs text-danger">{fieldErrors.password}</p> : null}
          </div>
          {apiError ? (
            <p role="alert" className="rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">{apiError.message}</p>
          ) : login.error ? (
            <p role="alert" className="rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">Cannot reach the server.</p>
          ) : null}
          <Button type="submit" disabled={login.isPending}>
            <LogIn aria-hidden className="h-4 w-4" /> {login.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
